// The review page: a click on an item's ↗ scrolls the source pane (only it) to the item's span and marks it;
// the page itself, and so the item being checked, stays where it is.
(function () {
  var pane = document.getElementById("source");
  if (!pane) return;
  document.querySelectorAll("a.src").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var mark = document.getElementById(link.dataset.span);
      if (mark && mark.dataset.in) mark = document.getElementById(mark.dataset.in);  // a span inside another
      if (!mark) return;
      event.preventDefault();
      pane.querySelectorAll("mark.current").forEach(function (m) { m.classList.remove("current"); });
      mark.classList.add("current");
      var top = mark.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
      pane.scrollTop = Math.max(0, top - pane.clientHeight / 3);
    });
  });
})();
