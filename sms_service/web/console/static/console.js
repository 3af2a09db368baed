// The console's only script: the live SMS counter and the audience and quiz choices in the
// composer, and a running broadcast's progress. Pages work without it; it only saves a reload.
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
      if (report.opt_out_warning) {
        var optOut = document.createElement("span");
        optOut.className = "opt-out-warning warning";
        optOut.textContent = " · " + report.opt_out_warning;
        counter.appendChild(optOut);
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

  // The composer shows the part of the audience chosen (topics and school, or a CSV list), and
  // with a quiz to push it turns the texts off: the quiz's own opening is sent. Without the
  // script every field is shown and the server says what does not go together.
  var composer = document.getElementById("composer");
  if (composer) {
    var showAudience = function () {
      var chosen = composer.querySelector('input[name="audience"]:checked');
      composer.querySelectorAll(".audience-part").forEach(function (part) {
        part.hidden = chosen !== null && part.dataset.audience !== chosen.value;
      });
    };
    composer.querySelectorAll('input[name="audience"]').forEach(function (radio) {
      radio.addEventListener("change", showAudience);
    });
    showAudience();
    var quiz = document.getElementById("quiz");
    var showTexts = function () {
      var pushing = quiz.value !== "";
      composer.querySelectorAll("#texts textarea").forEach(function (area) { area.disabled = pushing; });
      document.getElementById("texts").classList.toggle("muted", pushing);
    };
    quiz.addEventListener("change", showTexts);
    showTexts();
  }

  var progress = document.getElementById("progress");
  if (progress && progress.dataset.moving === "yes") {
    var refresh = function () {
      fetch(progress.dataset.progressUrl, {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (figures) {
          document.getElementById("status").textContent = figures.state;
          document.getElementById("recipients").textContent = figures.recipients.toLocaleString("en");
          document.querySelectorAll("form[data-control]").forEach(function (form) {
            form.hidden = figures.controls.indexOf(form.dataset.control) < 0;
          });
          document.getElementById("done").textContent = figures.done;
          document.getElementById("total").textContent = figures.total.toLocaleString("en");
          var x = 0;  // the parts stack up in the SVG bar, in the page's order
          progress.querySelectorAll("rect[data-part]").forEach(function (rect) {
            var width = figures.parts[rect.dataset.part] || 0;
            rect.setAttribute("x", x);
            rect.setAttribute("width", width);
            x += width;
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
