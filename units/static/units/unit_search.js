// A search box above long lists of administrative units (select[data-unit-search]): typing
// part of a name or code hides the other options. Accents are ignored, so "dien bien" finds
// "Điện Biên". Without JavaScript the plain list still works.
(function () {
  "use strict";

  function plain(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase();
  }

  function enhance(select) {
    if (select.dataset.unitSearchReady) return;
    select.dataset.unitSearchReady = "1";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "unit-search";
    input.placeholder = select.dataset.unitSearch;
    input.setAttribute("aria-label", select.dataset.unitSearch);
    input.setAttribute("aria-controls", select.id);
    // No name: the search text is never sent with the form.
    var options = Array.prototype.map.call(select.options, function (option) {
      return { option: option, text: plain(option.text) };
    });
    input.addEventListener("input", function () {
      var words = plain(input.value).split(/\s+/).filter(Boolean);
      options.forEach(function (item) {
        var shown = !item.option.value || words.every(function (word) {
          return item.text.indexOf(word) !== -1;
        });
        item.option.hidden = !shown;
        item.option.disabled = !shown && !item.option.selected;
      });
    });
    input.addEventListener("keydown", function (event) {
      // Enter picks the first match instead of submitting the form half-typed.
      if (event.key !== "Enter") return;
      event.preventDefault();
      var first = options.find(function (item) {
        return item.option.value && !item.option.hidden;
      });
      if (first) {
        select.value = first.option.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    select.parentNode.insertBefore(input, select);
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-unit-search]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceAll();
    // Wagtail redraws filters and listings in place; enhance what it adds. Editors change
    // the page on every keystroke: look at most once per frame.
    var scheduled = false;
    new MutationObserver(function () {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(function () {
        scheduled = false;
        enhanceAll();
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
