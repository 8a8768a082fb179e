// The console's progressive enhancement. Every page works without it: it only asks before forms marked
// data-confirm, submits filter forms marked data-autosubmit on change, keeps a form from going twice,
// refreshes live counts (data-live-src) and uploads files in the background with progress (data-upload).
// Served fingerprinted from /console/assets/ (the CSP allows no inline script).
(() => {
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const question = form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.submitting === 'true') {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = 'true';
    for (const button of form.querySelectorAll('button')) button.setAttribute('aria-disabled', 'true');
  });

  // A page restored from the back/forward cache gets its forms back.
  window.addEventListener('pageshow', () => {
    for (const form of document.querySelectorAll('form[data-submitting]')) {
      delete form.dataset.submitting;
      for (const button of form.querySelectorAll('button')) button.removeAttribute('aria-disabled');
    }
  });

  document.addEventListener('change', (event) => {
    const field = event.target;
    if (!(field instanceof HTMLElement)) return;
    const form = field.closest('form[data-autosubmit]');
    if (form instanceof HTMLFormElement) form.requestSubmit();
  });

  // The period form shows only the fields its choice needs (the week, or the first and last day); the
  // others are disabled so they stay out of the address.
  const showPeriodFields = (form) => {
    const choice = form.querySelector('select[name="period"]')?.value;
    for (const field of form.querySelectorAll('[data-when]')) {
      const shown = field.dataset.when === choice;
      field.hidden = !shown;
      for (const input of field.querySelectorAll('input')) input.disabled = !shown;
    }
  };
  for (const form of document.querySelectorAll('form[data-period-form]')) showPeriodFields(form);
  document.addEventListener('change', (event) => {
    const form = event.target instanceof HTMLSelectElement && event.target.closest('form[data-period-form]');
    if (form instanceof HTMLFormElement) showPeriodFields(form);
  });

  // Live counts: a page with data-live-src refreshes every element whose data-live names a value of that
  // JSON ({ values, done, offers }) while it is shown, until the server says nothing more changes. An element
  // whose data-live-offer names an offer the server withdrew (a wave that is sent can no longer be
  // cancelled) goes, so nobody presses a button that can only fail.
  const live = document.querySelector('[data-live-src]');
  if (live instanceof HTMLElement) {
    const src = live.dataset.liveSrc;
    const every = 5000;
    const tick = async () => {
      if (document.hidden) {
        setTimeout(tick, every);
        return;
      }
      try {
        const response = await fetch(src, { headers: { accept: 'application/json' }, cache: 'no-store' });
        if (!response.ok) return; // Signed out, or the page is gone: the page stays as it is.
        const { values, done, offers } = await response.json();
        for (const field of document.querySelectorAll('[data-live]')) {
          const value = values[field.dataset.live];
          if (typeof value === 'string' && field.textContent !== value) field.textContent = value;
        }
        for (const offer of document.querySelectorAll('[data-live-offer]'))
          if (offers?.[offer.dataset.liveOffer] === false) offer.remove();
        if (!done) setTimeout(tick, every);
      } catch {
        setTimeout(tick, every * 3);
      }
    };
    setTimeout(tick, every);
  }

  // The New wave form's time zone starts as the browser's own, when the list has it.
  const zone = document.querySelector('select[data-browser-zone]');
  if (zone instanceof HTMLSelectElement) {
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if ([...zone.options].some((option) => option.value === own)) zone.value = own;
  }

  // Upload forms (data-upload) send their file in the background with a progress bar: a check swaps in only
  // the check region, so the chosen file stays chosen; a created wave opens its page.
  for (const form of document.querySelectorAll('form[data-upload]')) {
    if (!(form instanceof HTMLFormElement)) continue;
    const file = form.querySelector('input[type="file"]');
    const region = form.querySelector('#audience-check');
    const bar = form.querySelector('.upload');
    const progress = bar?.querySelector('progress');
    const checkAction = form.querySelector('button[formaction]')?.formAction;
    if (!(file instanceof HTMLInputElement) || !(region instanceof HTMLElement) || !checkAction) continue;

    const show = (nodes) => {
      region.replaceChildren(...nodes);
      region.focus();
    };
    const tooLarge = () => {
      const chosen = file.files?.[0];
      if (!chosen || chosen.size <= Number(file.dataset.maxBytes)) return false;
      const message = document.createElement('p');
      message.className = 'notice error';
      message.setAttribute('role', 'alert');
      message.textContent = file.dataset.tooLarge ?? '';
      show([message]);
      return true;
    };
    // With an upload bucket (data-upload-url), the file goes straight to it by a presigned PUT before each
    // post (the check and the creation each delete what they read), and the form carries only its key;
    // without one, the file travels inside each form post.
    const uploadUrl = form.dataset.uploadUrl;
    const keyField = form.querySelector('input[name="upload"]');
    const nameField = form.querySelector('input[name="uploadName"]');
    const withProgress = (request, body) =>
      new Promise((resolve, reject) => {
        request.upload.addEventListener('progress', (event) => {
          if (event.lengthComputable && progress)
            progress.value = Math.round((event.loaded / event.total) * 100);
        });
        request.addEventListener('load', () => resolve(request));
        request.addEventListener('error', () => reject(new Error('upload failed')));
        if (progress) progress.value = 0;
        if (bar) bar.hidden = false;
        request.send(body);
      }).finally(() => {
        if (bar) bar.hidden = true;
      });
    const toBucket = async () => {
      const chosen = file.files?.[0];
      if (!uploadUrl || !chosen || !keyField || !nameField) return false;
      keyField.value = '';
      const csrf = form.querySelector('input[name="csrf"]')?.value ?? '';
      const ticket = await fetch(uploadUrl, {
        method: 'POST',
        headers: { accept: 'application/json' },
        body: new URLSearchParams({ csrf, size: String(chosen.size) }),
      });
      if (ticket.status === 404) return false;
      if (!ticket.ok) throw new Error('upload refused');
      const { key, url } = await ticket.json();
      const put = new XMLHttpRequest();
      put.open('PUT', url);
      put.setRequestHeader('content-type', 'text/csv');
      await withProgress(put, chosen);
      if (put.status < 200 || put.status > 299) throw new Error('upload failed');
      keyField.value = key;
      nameField.value = chosen.name;
      return true;
    };
    const send = async (action) => {
      let direct = false;
      try {
        direct = await toBucket();
      } catch {
        const message = document.createElement('p');
        message.className = 'notice error';
        message.setAttribute('role', 'alert');
        message.textContent = form.dataset.uploadFailed ?? '';
        show([message]);
        return undefined;
      }
      const data = new FormData(form);
      data.append('background', '1');
      if (direct) data.delete('audience');
      else {
        data.delete('upload');
        data.delete('uploadName');
      }
      const request = new XMLHttpRequest();
      request.open('POST', action);
      request.setRequestHeader('accept', 'text/html');
      return withProgress(request, data);
    };
    const upload = async (action) => {
      if (tooLarge()) return;
      try {
        const request = await send(action);
        if (!request) return;
        const landed = new URL(request.responseURL || action, window.location.href);
        if (landed.pathname !== new URL(action, window.location.href).pathname) {
          window.location.assign(landed.href);
          return;
        }
        const page = new DOMParser().parseFromString(request.responseText, 'text/html');
        const fresh = page.getElementById('audience-check');
        if (fresh) show([...fresh.childNodes]);
        else {
          // Another page answered (refused, too large, an error): its message, without its title.
          const main = page.querySelector('main');
          main?.querySelector('h1')?.remove();
          if (main) show([...main.childNodes]);
        }
      } catch {
        // No background upload here: the plain form post still works, with the file inside it.
        if (keyField) keyField.value = '';
        form.action = action;
        form.submit();
      }
    };

    file.addEventListener('change', () => {
      if (file.files?.length) upload(checkAction);
    });
    for (const field of form.querySelectorAll('[data-recheck]')) {
      field.addEventListener('change', () => {
        if (file.files?.length) upload(checkAction);
      });
    }
    form.addEventListener('submit', (event) => {
      if (form.dataset.submitting === 'true') return;
      event.preventDefault();
      const action = event.submitter instanceof HTMLButtonElement ? event.submitter.formAction : form.action;
      upload(action).finally(() => {
        delete form.dataset.submitting;
        for (const button of form.querySelectorAll('button')) button.removeAttribute('aria-disabled');
      });
    });
  }
})();
