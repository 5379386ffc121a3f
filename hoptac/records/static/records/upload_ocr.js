// The page of a scan read (OCR) in the background: asks how far it has got every 2 s, and reloads into
// the review, or the error, when the state changes. Without JavaScript, a meta refresh does the same.
(function () {
  var box = document.getElementById("ocr-job");
  if (!box || box.dataset.state === "failed") return;
  var progress = document.getElementById("ocr-progress");

  function show(s) {
    var done = document.getElementById("ocr-done");
    if (s.state !== box.dataset.state || (s.total > 0 && !done)) {
      location.reload(); // a new sentence, or the review itself: the server renders it
      return false;
    }
    if (done) {
      done.textContent = s.done;
      document.getElementById("ocr-total").textContent = s.total;
      progress.max = s.total;
      progress.value = s.done;
    }
    return true;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      })
      .then(function (s) {
        if (show(s)) setTimeout(poll, 2000);
      })
      .catch(function (e) {
        // The server restarting: ask again a little later. Anything else (the upload gone, signed out): the
        // page itself says what.
        if (e instanceof TypeError) setTimeout(poll, 5000);
        else location.reload();
      });
  }

  setTimeout(poll, 2000);
})();
