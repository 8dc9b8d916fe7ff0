// The setup page (/setup?code=…): the one-time code from the server's log, and the first admin's name
// and password (typed twice). The server signs the new admin in, so the gallery comes next.

import { setUp, getAuthOptions } from './api.js';

const $ = id => document.getElementById(id);

const code = (new URLSearchParams(location.search).get('code') ?? '').trim();
const form = $('setup-form');
const userName = $('user-name');
const password = $('password');
const again = $('password-again');
const button = $('setup-button');
const error = $('setup-error');

function showError(text) {
  error.textContent = text;
  error.hidden = !text;
}

if (!code) {
  $('no-code').hidden = false;
  form.hidden = true;
}

// Already set up: the code is spent, so say so rather than let the form fail.
getAuthOptions().then(options => {
  if (options && options.setupNeeded === false) {
    $('set-up-already').hidden = false;
    $('no-code').hidden = true;
    form.hidden = true;
  }
}, () => {});

form.addEventListener('submit', async event => {
  event.preventDefault();
  const name = userName.value.trim();
  if (!name) {
    showError('Enter a user name.');
    userName.focus();
    return;
  }
  if (!password.value) {
    showError('Enter a password.');
    password.focus();
    return;
  }
  if (password.value !== again.value) {
    showError('The two passwords differ.');
    again.value = '';
    again.focus();
    return;
  }
  showError('');
  button.disabled = true;
  try {
    await setUp(code, name, password.value);
    location.replace('/');
  } catch (failure) {
    showError(failure.message);
    button.disabled = false;
  }
});

if (code) userName.focus();
