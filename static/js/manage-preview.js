// Manager forms: keep the preview frame showing the public page as typed so far.
// Without JavaScript, the form's "Preview" button posts into the frame instead. Here each
// preview replaces the frame (its HTML goes in srcdoc), so the browser's Back button is not
// filled with previews; the frame stays sandboxed, so nothing in it runs or submits.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-form]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var button = form.querySelector("[data-preview-button]");
  var frame = document.querySelector("[data-preview-frame]");
  if (!button || !frame || !("srcdoc" in frame)) {
    return;
  }
  var url = button.getAttribute("formaction");
  var timer = null;
  var latest = 0;

  function scrollOf(element) {
    try {
      return element.contentWindow ? element.contentWindow.scrollY : 0;
    } catch (error) {
      return 0;
    }
  }

  function show(html) {
    var fresh = frame.cloneNode(false);
    var scroll = scrollOf(frame);
    fresh.removeAttribute("src");
    fresh.srcdoc = html;
    fresh.addEventListener("load", function () {
      if (fresh.contentWindow) {
        fresh.contentWindow.scrollTo(0, scroll);
      }
    });
    frame.replaceWith(fresh);
    frame = fresh;
  }

  function refresh() {
    timer = null;
    latest += 1;
    var number = latest;
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        if (number === latest) {
          show(html);
        }
      })
      .catch(function () {
        // Offline for a moment: the next keystroke tries again.
      });
  }

  function later() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(refresh, 700);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  button.addEventListener("click", function (event) {
    event.preventDefault();
    refresh();
  });
  if (!frame.getAttribute("src")) {
    refresh();
  }
})();
