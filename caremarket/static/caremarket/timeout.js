// The GOV.UK timeout warning: the session ends after a set time without a request. Shortly before, a modal dialog
// (the browser's own <dialog>, which keeps focus inside it) says so and offers to stay signed in. Without
// JavaScript there is no warning; the accessibility statement says so.
(function () {
  "use strict";
  var dialog = document.getElementById("cm-timeout");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var session = parseInt(dialog.dataset.sessionSeconds, 10) * 1000;
  var warn = parseInt(dialog.dataset.warnSeconds, 10) * 1000;
  var left = dialog.querySelector(".cm-timeout__left");
  var timers = [];
  var returnFocus = null;

  function say(ms) {
    var minutes = Math.ceil(ms / 60000);
    left.textContent = minutes > 1 ? minutes + " minutes" : Math.max(1, Math.ceil(ms / 1000)) + " seconds";
  }

  // the session has ended: sign out on the server too, and say why on the sign-in page
  function signOut() {
    var form = dialog.querySelector("form");
    form.querySelector("input[name=reason]").value = "timed-out";
    form.submit();
  }

  function start() {
    timers.forEach(clearTimeout);
    var ends = Date.now() + session;
    timers = [
      setTimeout(function () {
        returnFocus = document.activeElement;
        say(ends - Date.now());
        dialog.showModal();
        var tick = setInterval(function () {
          if (!dialog.open) { clearInterval(tick); return; }
          say(ends - Date.now());
        }, 15000);
        timers.push(tick);
      }, Math.max(0, session - warn)),
      setTimeout(signOut, session)
    ];
  }

  dialog.querySelector(".cm-timeout__stay").addEventListener("click", function () {
    var token = dialog.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(dialog.dataset.keepAlive, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (response) {
      if (response.status !== 204) { signOut(); return; }
      dialog.close();
      if (returnFocus && returnFocus.focus) returnFocus.focus();
      start();
    });
  });
  // Escape closes a dialog: that is staying too
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    dialog.querySelector(".cm-timeout__stay").click();
  });
  start();
})();
