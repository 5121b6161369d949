// Manager forms: keep the preview frames (one per language) showing the public page as
// typed so far. Without JavaScript, each "Preview in ..." button posts the form into its
// language's frame instead. Here each preview replaces its frame (its HTML goes in
// srcdoc), so the browser's Back button is not filled with previews; the frames stay
// sandboxed, so nothing in them runs or submits.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-form]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var frames = Array.prototype.slice.call(document.querySelectorAll("[data-preview-frame]"));
  var buttons = form.querySelectorAll("[data-preview-button]");
  if (!frames.length || !("srcdoc" in frames[0])) {
    return;
  }
  var timer = null;
  var latest = 0;

  function scrollOf(element) {
    try {
      return element.contentWindow ? element.contentWindow.scrollY : 0;
    } catch (error) {
      return 0;
    }
  }

  function show(index, html) {
    var frame = frames[index];
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
    frames[index] = fresh;
  }

  // One language after the other, not at once: each preview saves the form in a
  // transaction that is rolled back, and one editor need not hold two of them.
  function refresh() {
    timer = null;
    latest += 1;
    var number = latest;
    var data = new FormData(form);
    var chain = Promise.resolve();
    frames.forEach(function (frame, index) {
      chain = chain.then(function () {
        if (number !== latest) {
          return null;
        }
        var url = frames[index].getAttribute("data-preview-url");
        return fetch(url, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) {
            return response.text();
          })
          .then(function (html) {
            if (number === latest) {
              show(index, html);
            }
          });
      });
    });
    chain.catch(function () {
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
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      refresh();
    });
  });
  if (!frames[0].getAttribute("src")) {
    refresh();
  }
})();
