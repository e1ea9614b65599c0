/* Progressive enhancement of the attempt page (the form works without it):
   - answers are saved as they are given;
   - an answer given while the connection is down is kept in the phone's storage and sent when
     the connection returns or the attempt is opened again, even after the page was closed;
   - the time left counts down, and the page reloads when it is up (the server submits). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector(".autosave-status");
  var key = "attempt-" + form.dataset.attempt + "-unsaved";
  var timer;

  function remember(list) { try { localStorage.setItem(key, JSON.stringify(list)); } catch (e) { /* private mode */ } }
  function remembered() { try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; } }
  function forget(list) { try { if (localStorage.getItem(key) === JSON.stringify(list)) { localStorage.removeItem(key); } } catch (e) { /* private mode */ } }
  function show(text) { if (status) { status.textContent = text; } }

  function answers() {
    var list = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "submit" && name !== "go_to") { list.push([name, value]); }
    });
    return list;
  }

  function send(list) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    list.forEach(function (entry) { data.append(entry[0], entry[1]); });
    return fetch(form.action, {method: "POST", body: data, credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) {
        // A redirect means the sign-in has expired (to the login page): not saved, keep it.
        var saved = response.ok && !response.redirected;
        // Saved, refused (the attempt is closed, or the answer was invalid): either way it is settled.
        if (saved || response.status === 400 || response.status === 409) { forget(list); }
        show(saved ? status.dataset.saved : status.dataset.notSaved);
        return response;
      }, function () { show(status.dataset.notSaved); return null; });
  }

  // Kept on the phone at once, sent a moment later: closing the page right after answering
  // loses nothing.
  function answered(delay) {
    remember(answers());
    clearTimeout(timer);
    timer = setTimeout(function () { var list = remembered(); if (list) { send(list); } }, delay);
  }

  // Put answers kept while offline back into this page's fields, so the page shows them.
  function restore(list) {
    var positions = list.filter(function (e) { return e[0] === "positions"; }).map(function (e) { return e[1]; });
    positions.forEach(function (position) {
      var name = "q" + position, text = form.elements[name + "-text"];
      if (text) { text.value = ""; }
      Array.prototype.forEach.call(form.querySelectorAll("input[name='" + name + "']"), function (input) { input.checked = false; });
    });
    list.forEach(function (entry) {
      var text = form.elements[entry[0]];
      if (/-text$/.test(entry[0]) && text) { text.value = entry[1]; return; }
      Array.prototype.forEach.call(form.querySelectorAll("input[name='" + entry[0] + "']"), function (input) {
        if (input.value === entry[1]) { input.checked = true; }
      });
    });
  }

  var unsaved = remembered();
  if (unsaved) {
    restore(unsaved);
    send(unsaved).then(function (response) { if (response && response.status === 409) { location.reload(); } });
  }
  form.addEventListener("change", function () { answered(400); });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text") { answered(1500); }
  });
  // A page post carries the answers itself; kept too in case the post never arrives.
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) { event.preventDefault(); return; }
    clearTimeout(timer);
    remember(answers());
  });
  window.addEventListener("online", function () { var list = remembered(); if (list) { send(list); } });

  var clock = document.querySelector("[data-seconds-left]");
  if (clock) {
    var end = Date.now() + 1000 * parseInt(clock.dataset.secondsLeft, 10);
    setInterval(function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      clock.textContent = Math.floor(left / 60) + ":" + ("0" + left % 60).slice(-2);
      if (left === 0) { location.reload(); }
    }, 1000);
  }
})();
