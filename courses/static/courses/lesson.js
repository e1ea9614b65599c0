/* Progressive enhancement of a lesson page (the "done" form works without it):
   - while the page is visible and the officer is reading (they touched, scrolled or typed in
     the last few minutes), it tells the server once a minute, which counts the time spent;
   - when the lesson's minimum reading time has not passed yet, the button waits, with the
     time left. The server decides either way: this only saves a refused press. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-lesson-done]");
  if (!form || !window.fetch) { return; }
  var button = form.querySelector("button");
  var note = form.querySelector(".lesson-wait");
  var lastActivity = Date.now();
  var READING = 3 * 60 * 1000;

  ["scroll", "touchstart", "pointerdown", "keydown"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, {passive: true});
  });

  function seen() {
    if (document.visibilityState !== "visible" || Date.now() - lastActivity > READING) { return; }
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    fetch(form.dataset.seenUrl, {method: "POST", body: data, credentials: "same-origin"}).catch(function () { /* offline: the next one counts the time */ });
  }
  setInterval(seen, 60 * 1000);

  var left = parseInt(form.dataset.secondsLeft || "0", 10);
  if (left > 0 && button && note) {
    var end = Date.now() + 1000 * left;
    button.disabled = true;
    var tick = function () {
      var seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (seconds === 0) { button.disabled = false; note.textContent = ""; clearInterval(timer); return; }
      var time = Math.floor(seconds / 60) + ":" + ("0" + seconds % 60).slice(-2);
      note.textContent = " " + form.dataset.wait + " " + time + ".";
    };
    var timer = setInterval(tick, 1000);
    tick();
  }
})();
