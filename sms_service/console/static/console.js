// The console's only script: the live SMS counter in the composer and a running broadcast's
// progress. Pages work without it; it only saves a reload.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  token = token ? token.content : "";

  function post(url, fields) {
    var body = new URLSearchParams(fields);
    return fetch(url, {method: "POST", body: body, headers: {"X-CSRF-Token": token}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); });
  }

  // Encoding and segments come from the server (sms/encoding.py), the one definition of GSM-7.
  document.querySelectorAll("textarea[data-describe]").forEach(function (area) {
    var counter = document.getElementById("counter-" + area.name.replace("text_", ""));
    var timer = null;
    function show(report) {
      counter.textContent = report.encoding + " · " + report.length + " characters · " + report.segments + " segment(s)";
      counter.classList.toggle("ucs2", report.encoding === "UCS-2" && area.value !== "");
      if (report.forcing_ucs2.length) {
        var warning = document.createElement("span");
        warning.className = "ucs2-warning";
        warning.textContent = " · forced to UCS-2 (70 characters a segment) by " + report.forcing_ucs2.join(", ");
        counter.appendChild(warning);
        if (report.gsm7_suggestion !== null) {
          var fix = document.createElement("button");
          fix.type = "button";
          fix.className = "secondary";
          fix.textContent = "Use GSM-7 characters instead";
          fix.addEventListener("click", function () { area.value = report.gsm7_suggestion; update(); });
          counter.appendChild(document.createTextNode(" "));
          counter.appendChild(fix);
        }
      }
    }
    function update() {
      post(area.dataset.describe, {text: area.value}).then(show, function () {
        counter.textContent = "(counter unavailable)";
      });
    }
    area.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 250); });
    update();
  });

  var progress = document.getElementById("progress");
  if (progress && progress.dataset.moving === "yes") {
    var refresh = function () {
      fetch(progress.dataset.progressUrl, {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (figures) {
          document.getElementById("status").textContent = figures.status;
          document.getElementById("done").textContent = figures.done;
          document.getElementById("total").textContent = figures.total.toLocaleString("en");
          Object.keys(figures.parts).forEach(function (part) {
            progress.querySelector('[data-part="' + part + '"]').style.width = figures.parts[part] + "%";
          });
          Object.keys(figures.counts).forEach(function (status) {
            progress.querySelector('[data-count="' + status + '"]').textContent = figures.counts[status].toLocaleString("en");
          });
          // Running: every 2 s. Done but waiting for delivery reports: now and then.
          if (figures.moving) { setTimeout(refresh, 2000); } else if (figures.counts.sent) { setTimeout(refresh, 15000); }
        }, function () { setTimeout(refresh, 10000); });
    };
    setTimeout(refresh, 2000);
  }
})();
