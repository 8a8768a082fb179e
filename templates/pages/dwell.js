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
