// "Change my password" on the tokens page: for accounts that sign in with a password (not single sign-on).
// The server asks for the current password and ends every other session of the account, so a browser left signed
// in elsewhere (or a stolen cookie) stops working; this one stays signed in.

import { changePassword } from './api.js';
import { me } from './session.js';

const $ = id => document.getElementById(id);
const panel = $('password-panel');
const form = $('password-form');
const current = $('current-password');
const next = $('new-password');
const error = $('password-error');
const status = $('password-status');
const button = $('password-button');

me().then(user => { panel.hidden = !user || user.sso; });

form.addEventListener('submit', async event => {
  event.preventDefault();
  error.hidden = true;
  status.textContent = '';
  button.disabled = true;
  try {
    await changePassword(current.value, next.value);
    form.reset();
    status.textContent = 'Your password is changed. Every other browser signed in as you is signed out.';
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
});
