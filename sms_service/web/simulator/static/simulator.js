// A basic phone: USSD through /simulator/ussd, SMS through /simulator/sms, inbox polled from
// /simulator/inbox. The server relays each to the app's real webhooks.
(function () {
  "use strict";
  var phone = document.querySelector(".phone");
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var $ = function (id) { return document.getElementById(id); };
  var session = null; // {id, answers: [], started: ms}
  var started = 0; // when the current session was dialled (Date.now())
  var focused = $("dial");

  function post(url, fields) {
    fields.number = $("number").value;
    return fetch(url, {method: "POST", body: new URLSearchParams(fields), headers: {"X-CSRF-Token": token},
                       credentials: "same-origin"})
      .then(function (response) {
        return response.json().catch(function () { return {error: "the server answered " + response.status}; });
      });
  }
  function problem(message) { $("phone-error").textContent = message || ""; }

  function showUssd(reply) {
    if (reply.error) { problem(reply.error); return endUssd(); }
    problem("");
    $("idle").hidden = true;
    $("ussd").hidden = false;
    $("ussd-text").textContent = reply.screen;
    $("ussd-answer").value = "";
    $("ussd-answer").hidden = reply.ended;
    $("ussd-send").textContent = reply.ended ? "OK" : "Send";
    $("ussd-buttons").hidden = false;
    $("dial-form").hidden = true;
    session = reply.ended ? null : {id: reply.session_id, answers: reply.text ? reply.text.split("*") : []};
    focused = reply.ended ? $("dial") : $("ussd-answer");
    focused.focus();
  }
  function endUssd() {
    session = null;
    $("ussd").hidden = true;
    $("idle").hidden = false;
    $("ussd-buttons").hidden = true;
    $("dial-form").hidden = false;
    focused = $("dial");
  }

  function elapsed() { return String(Date.now() - started); }
  $("dial-form").addEventListener("submit", function (event) {
    event.preventDefault();
    started = Date.now();
    post(phone.dataset.ussd, {dial: $("dial").value, elapsed_ms: "0"}).then(showUssd);
  });
  function answer() {
    if (!session) { return endUssd(); }
    var answers = session.answers.concat([$("ussd-answer").value]);
    post(phone.dataset.ussd, {session_id: session.id, text: answers.join("*"), elapsed_ms: elapsed()}).then(showUssd);
  }
  function cancel() {
    // As when a caller hangs up: the server posts AT's end-of-session notification (Incomplete).
    if (session) {
      post(phone.dataset.ussdEnd, {session_id: session.id, text: session.answers.join("*"), elapsed_ms: elapsed()});
    }
    endUssd();
  }
  $("ussd-send").addEventListener("click", answer);
  $("ussd-answer").addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); answer(); }
  });
  $("ussd-cancel").addEventListener("click", cancel);
  $("keypad").addEventListener("click", function (event) {
    var key = event.target.dataset.key;
    if (key) { focused.value += key; focused.focus(); }
  });
  $("sms-text").addEventListener("focus", function () { focused = $("sms-text"); });
  $("dial").addEventListener("focus", function () { focused = $("dial"); });

  $("sms-form").addEventListener("submit", function (event) {
    event.preventDefault();
    post(phone.dataset.sms, {text: $("sms-text").value}).then(function (reply) {
      if (reply.error) { return problem(reply.error); }
      problem("");
      $("sms-text").value = "";
      refreshInbox();
    });
  });

  var shown = "";
  function refreshInbox() {
    var url = phone.dataset.inbox + "?number=" + encodeURIComponent($("number").value);
    return fetch(url, {credentials: "same-origin"}).then(function (response) { return response.json(); })
      .then(function (inbox) {
        if (!inbox.messages) { return; }
        var key = JSON.stringify(inbox.messages);
        if (key === shown) { return; }
        shown = key;
        var list = $("inbox");
        list.textContent = "";
        inbox.messages.forEach(function (message) {
          var item = document.createElement("li");
          item.className = message.from_phone ? "mine" : "theirs";
          item.textContent = message.text;
          var meta = document.createElement("small");
          meta.textContent = new Date(message.at).toLocaleTimeString() + (message.status ? " · " + message.status : "");
          item.appendChild(meta);
          list.appendChild(item);
        });
        list.scrollTop = list.scrollHeight;
      }, function () {});
  }
  $("number").addEventListener("change", function () { shown = ""; refreshInbox(); });
  refreshInbox();
  setInterval(refreshInbox, 3000);
})();
