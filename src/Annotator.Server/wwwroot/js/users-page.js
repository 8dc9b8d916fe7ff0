// The users page (/users, admins): every account with its role, how it signs in and whether it is
// disabled; change the role, disable or enable, set a new password, sign it out everywhere, delete it;
// and a form to add an account. Your own account cannot be demoted, disabled or deleted from here.

import { listUsers, createUser, updateUser, deleteUser, endSessions } from './api.js';
import { showAccount } from './account-header.js';
import { can, roleLabel } from './session.js';
import { el, formatInstant } from './format.js';

const $ = id => document.getElementById(id);
const ROLES = ['viewer', 'editor', 'admin'];

const page = $('page');
const status = $('page-status');
const tbody = $('users');
const passwordDialog = $('password-dialog');
const deleteDialog = $('delete-dialog');

let self = null;
const rows = new Map(); // id → { user, row }

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function cell(...children) {
  return el('td', {}, ...children);
}

/** Runs a change for one row, with its controls off meanwhile; says what happened. */
async function change(id, action, done) {
  const entry = rows.get(id);
  if (!entry) return;
  entry.row.classList.add('busy');
  for (const control of entry.row.querySelectorAll('button, select')) control.disabled = true;
  try {
    const result = await action(entry.user);
    if (result && result.id) entry.user = result;
    say(done(entry.user, result));
  } catch (error) {
    say(`${entry.user.userName}: ${error.message}`, true);
    if (error.status === 404) {
      entry.row.remove();
      rows.delete(id);
      return;
    }
  }
  if (rows.has(id)) render(entry.user);
}

function roleSelect(user, own) {
  const select = el('select', {
    className: 'role-select',
    disabled: own,
    title: own ? 'Your own role cannot be changed here' : '',
    attrs: { 'aria-label': `Role of ${user.userName}` },
  }, ROLES.map(role => el('option', { value: role, selected: role === user.role }, roleLabel(role))));
  if (!ROLES.includes(user.role)) select.append(el('option', { value: user.role, selected: true }, String(user.role)));
  select.addEventListener('change', () => {
    const role = select.value;
    change(user.id, () => updateUser(user.id, { role }), changed => `${changed.userName} is now ${roleLabel(changed.role).toLowerCase()}.`);
  });
  return select;
}

function actions(user, own) {
  const name = user.userName;
  const toggle = el('button', {
    type: 'button',
    className: 'button small',
    disabled: own,
    title: own ? 'You cannot disable your own account' : '',
    attrs: { 'aria-label': `${user.disabled ? 'Enable' : 'Disable'} ${name}` },
  }, user.disabled ? 'Enable' : 'Disable');
  toggle.addEventListener('click', () => {
    const disabled = !user.disabled;
    change(user.id, () => updateUser(user.id, { disabled }),
      changed => (changed.disabled ? `${changed.userName} is disabled and signed out.` : `${changed.userName} is enabled.`));
  });

  const password = el('button', {
    type: 'button',
    className: 'button small',
    attrs: { 'aria-label': `Set a new password for ${name}` },
  }, 'New password…');
  password.addEventListener('click', () => askPassword(user));

  const sessions = el('button', {
    type: 'button',
    className: 'button small',
    attrs: { 'aria-label': `Sign ${name} out everywhere` },
  }, 'End sessions');
  sessions.addEventListener('click', () => change(user.id, () => endSessions(user.id), (changed, result) => {
    const n = Number(result?.ended ?? 0);
    return `${changed.userName}: ${n} ${n === 1 ? 'session' : 'sessions'} ended.`;
  }));

  const remove = el('button', {
    type: 'button',
    className: 'button small danger',
    disabled: own,
    title: own ? 'You cannot delete your own account' : '',
    attrs: { 'aria-label': `Delete ${name}` },
  }, 'Delete…');
  remove.addEventListener('click', () => askDelete(user));

  return el('div', { className: 'row-actions' }, toggle, password, sessions, remove);
}

function render(user) {
  const own = self !== null && user.id === self.id;
  const row = el('tr', { dataset: { id: user.id, disabled: String(Boolean(user.disabled)) } },
    el('th', { scope: 'row' }, user.userName, own ? el('span', { className: 'muted' }, ' (you)') : null),
    cell(roleSelect(user, own)),
    cell(user.sso ? 'Single sign-on' : 'Password'),
    cell(el('span', { className: 'status-label', dataset: { status: user.disabled ? 'disabled' : 'active' } },
      user.disabled ? 'Disabled' : 'Active')),
    cell(formatInstant(user.createdAt)),
    cell(actions(user, own)));
  const existing = rows.get(user.id);
  if (existing) existing.row.replaceWith(row);
  else tbody.append(row);
  rows.set(user.id, { user, row });
}

let passwordFor = null;
function askPassword(user) {
  passwordFor = user;
  $('password-text').textContent = user.sso
    ? `${user.userName} signs in with single sign-on; a password lets them sign in here too.`
    : `${user.userName} signs in with this password from now on. Their sessions stay open; end them too if the old password leaked.`;
  $('reset-password').value = '';
  $('password-user').value = user.userName; // tells a password manager whose password this is
  passwordDialog.showModal();
}
passwordDialog.addEventListener('close', () => {
  const user = passwordFor;
  const password = $('reset-password').value;
  $('reset-password').value = '';
  passwordFor = null;
  if (passwordDialog.returnValue !== 'set' || !user || !password) return;
  passwordDialog.returnValue = '';
  change(user.id, () => updateUser(user.id, { password }), changed => `${changed.userName} has a new password.`);
});

let deleting = null;
function askDelete(user) {
  deleting = user;
  $('delete-title').textContent = `Delete ${user.userName}?`;
  $('delete-text').textContent = 'The account is removed and signed out everywhere, and its tokens stop working. Images it uploaded stay.';
  deleteDialog.showModal();
}
deleteDialog.addEventListener('close', async () => {
  const user = deleting;
  deleting = null;
  if (deleteDialog.returnValue !== 'delete' || !user) return;
  deleteDialog.returnValue = '';
  const entry = rows.get(user.id);
  entry?.row.classList.add('busy');
  try {
    await deleteUser(user.id);
    say(`Deleted ${user.userName}.`);
  } catch (error) {
    if (error.status !== 404) {
      say(`${user.userName}: ${error.message}`, true);
      entry?.row.classList.remove('busy');
      return;
    }
    say(`${user.userName} was already deleted.`);
  }
  entry?.row.remove();
  rows.delete(user.id);
});

// Adding a user
const addForm = $('add-form');
const addError = $('add-error');
addForm.addEventListener('submit', async event => {
  event.preventDefault();
  const userName = $('new-name').value.trim();
  const password = $('new-password').value;
  const role = $('new-role').value;
  addError.hidden = true;
  if (!userName) {
    addError.textContent = 'Enter a user name.';
    addError.hidden = false;
    $('new-name').focus();
    return;
  }
  const button = $('add-button');
  button.disabled = true;
  try {
    const user = await createUser(password ? { userName, password, role } : { userName, role });
    render(user);
    $('users-wrap').hidden = false;
    addForm.reset();
    say(`Added ${user.userName} (${roleLabel(user.role).toLowerCase()}).`);
    $('new-name').focus();
  } catch (error) {
    addError.textContent = error.message;
    addError.hidden = false;
  } finally {
    button.disabled = false;
  }
});

async function load() {
  self = await showAccount();
  if (!can(self, 'admin')) {
    say('Only an admin can manage users.', true);
    page.setAttribute('aria-busy', 'false');
    return;
  }
  say('Loading users…');
  try {
    const users = await listUsers();
    tbody.replaceChildren();
    rows.clear();
    const sorted = [...(users ?? [])].sort((a, b) => a.userName.localeCompare(b.userName));
    for (const user of sorted) render(user);
    $('users-wrap').hidden = false;
    $('add-section').hidden = false;
    say(`${sorted.length} ${sorted.length === 1 ? 'user' : 'users'}`);
  } catch (error) {
    say(error.status === 403 ? 'Only an admin can manage users.' : `Could not load the users: ${error.message}`, true);
  } finally {
    page.setAttribute('aria-busy', 'false');
  }
}

load();
