// Who is signed in, read once per page (GET /api/auth/me) and shared by every module that asks.
// A 401 has already sent the browser to the sign-in page (see api.js). Any other failure resolves to
// null, "not known": the page then shows what it would show anyone, and the server, which checks every
// request, refuses what the account may not do. What the pages hide is a courtesy, not the protection.

import { getMe } from './api.js';

let loading = null;

/** The signed-in account `{ id, userName, role, rights, via, sso }`, or null when it could not be read. */
export function me() {
  loading ??= getMe().catch(() => null);
  return loading;
}

/** True when `user` may do `right` ("read", "upload", "write", "admin"); an unknown user (null) is not refused here. */
export function can(user, right) {
  if (!user) return true;
  return Array.isArray(user.rights) && user.rights.includes(right);
}

/**
 * Shows each element marked `data-right="…"` only when the user has that right. Such elements start
 * `hidden` in the page, so nobody sees a control flash up and vanish.
 */
export function applyRights(user, root = document) {
  for (const node of root.querySelectorAll('[data-right]')) node.hidden = !can(user, node.dataset.right);
}

const ROLE_LABELS = { viewer: 'Viewer', editor: 'Editor', admin: 'Admin' };

export function roleLabel(role) {
  return ROLE_LABELS[role] ?? String(role ?? '');
}
