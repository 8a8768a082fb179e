// Counts the score once a person has had the page visible for a few seconds: link scanners that merely fetch
// the page never run this, and those that do rarely stay. Served from /assets/dwell.js (no inline scripts).
(() => {
  const { dwellUrl, dwellSeconds, dwellScore } = document.body.dataset;
  const neededMs = Number(dwellSeconds) * 1000;
  if (!dwellUrl || dwellScore === undefined || !Number.isFinite(neededMs)) return;

  let visibleMs = 0;
  let visibleSince = document.visibilityState === 'visible' ? performance.now() : null;
  let timer;
  let sent = false;

  const settle = () => {
    if (visibleSince !== null) {
      const now = performance.now();
      visibleMs += now - visibleSince;
      visibleSince = now;
    }
  };

  const send = () => {
    if (sent) return;
    sent = true;
    document.removeEventListener('visibilitychange', onVisibilityChange);
    fetch(dwellUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `score=${encodeURIComponent(dwellScore)}`,
      credentials: 'same-origin',
      keepalive: true,
    }).catch(() => {
      // Best effort: submitting the form counts the score as well.
    });
  };

  const check = () => {
    clearTimeout(timer);
    settle();
    if (visibleMs >= neededMs) {
      send();
    } else if (visibleSince !== null) {
      timer = setTimeout(check, neededMs - visibleMs);
    }
  };

  function onVisibilityChange() {
    settle();
    visibleSince = document.visibilityState === 'visible' ? performance.now() : null;
    check();
  }

  document.addEventListener('visibilitychange', onVisibilityChange);
  check();
})();

// The character counter under each answer box: counts as the server does (a line break is one character,
// an emoji one), in the page's language. Without JavaScript the server's count stays.
(() => {
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined);
  for (const counter of document.querySelectorAll('[data-counter-for]')) {
    const box = document.getElementById(counter.dataset.counterFor);
    const template = counter.dataset.template;
    const max = Number(counter.dataset.max);
    if (!box || !template || !Number.isFinite(max)) continue;
    const update = () => {
      const count = Array.from(box.value.replace(/\r\n?/g, '\n')).length;
      counter.textContent = template
        .replace('%count%', format.format(count))
        .replace('%max%', format.format(max));
    };
    box.addEventListener('input', update);
    update();
  }
})();
