// The header's account part on every signed-in page: who is signed in and as what, the pages they may
// open (Users and Audit for admins only), and Sign out (POST /api/auth/logout, then the sign-in page).

import { signOut } from './api.js';
import { me, applyRights, roleLabel } from './session.js';

const $ = id => document.getElementById(id);

/** Marks the link to the page shown as the current one. */
function markCurrent() {
  const here = location.pathname.replace(/\.html$/, '').replace(/\/index$/, '/');
  for (const link of document.querySelectorAll('.pages-nav a')) {
    const target = link.getAttribute('href');
    if (target === here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** Fills the header once the account is known; resolves to the account (or null, see session.js). */
export async function showAccount() {
  markCurrent();
  const user = await me();
  applyRights(user);
  const box = $('account');
  if (!box) return user;
  if (user) {
    $('account-user').textContent = user.userName;
    const role = $('account-role');
    role.textContent = roleLabel(user.role);
    role.dataset.role = user.role ?? '';
    box.hidden = false;
  }
  const button = $('sign-out');
  const status = $('sign-out-status');
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = '';
    try {
      await signOut();
      location.assign('/signin');
    } catch (error) {
      // Already signed out elsewhere: the sign-in page is where this ends up anyway.
      if (error.status === 401) {
        location.assign('/signin');
        return;
      }
      button.disabled = false;
      status.textContent = `Sign out failed: ${error.message}`;
    }
  });
  return user;
}
