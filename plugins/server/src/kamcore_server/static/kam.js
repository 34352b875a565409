// kamcore workspace pages: every htmx request of a signed-in page carries the session's CSRF
// token (read from <meta name="csrf-token">), so the server accepts the session's writes.
// No inline script anywhere: the Content-Security-Policy allows only scripts from this origin.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});
