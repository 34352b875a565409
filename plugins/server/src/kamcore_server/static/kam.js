// kamcore workspace pages.
//
// Every htmx request of a signed-in page carries the session's CSRF
// token (read from <meta name="csrf-token">), so the server accepts the session's writes.
// No inline script anywhere: the Content-Security-Policy allows only scripts from this origin.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});

// A section saved on the plan page: the advance form now moves on from the revision just saved
// (the server names it in the HX-Trigger header of the save's response).
document.addEventListener("kam:plan-saved", function (event) {
  var revision = document.getElementById("advance-revision");
  if (revision && event.detail && event.detail.revision) {
    revision.value = String(event.detail.revision);
  }
});

// The import page: other files chosen after a preview make the preview (and its "Apply"
// button) stale, so it goes; the server refuses files other than those previewed anyway.
document.addEventListener("change", function (event) {
  var form = document.getElementById("import-form");
  var result = document.getElementById("import-result");
  if (form && result && form.contains(event.target) && event.target.type !== "submit") {
    result.innerHTML = "";
  }
});

// Someone else saves what this page shows (the plan; the account or one of its records): say
// who, what and when, and offer to reload. The server-sent events named by the notice
// (/api/v1/plans/ID/events from the revision shown, /api/v1/accounts/ID/events) name every
// save; the signed-in user's own saves are on the page already.
document.addEventListener("DOMContentLoaded", function () {
  var notice = document.getElementById("live-notice");
  if (!notice || !window.EventSource) {
    return;
  }
  var source = new EventSource(notice.dataset.events);
  source.addEventListener("change", function (event) {
    var change = JSON.parse(event.data);
    if (change.saved_by === notice.dataset.me) {
      return;
    }
    var when = String(change.saved_at || "").replace("T", " ").slice(0, 16);
    notice.querySelector(".live-text").textContent = "Saved by " + (change.saved_by || "someone")
      + (when ? " at " + when + " UTC" : "") + ": " + change.kind + " " + change.id
      + ", revision " + change.revision + ". This page shows it as it was before.";
    notice.hidden = false;
  });
  source.addEventListener("end", function () {
    source.close();
  });
});
