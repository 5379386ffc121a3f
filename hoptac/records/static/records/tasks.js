// The task list: the header's box selects or clears every task of the page.
(function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  var boxes = function () { return document.querySelectorAll("#bulk-form input[name=ids]"); };
  all.addEventListener("change", function () {
    boxes().forEach(function (b) { b.checked = all.checked; });
  });
  document.getElementById("bulk-form").addEventListener("change", function (e) {
    if (e.target.name !== "ids") return;
    var list = Array.prototype.slice.call(boxes());
    all.checked = list.every(function (b) { return b.checked; });
    all.indeterminate = !all.checked && list.some(function (b) { return b.checked; });
  });
})();
