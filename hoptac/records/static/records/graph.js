// The relationship graph with Cytoscape.js (served from static/records/vendor/cytoscape, MIT): a force-directed
// layout, labels wrapped at spaces under their node, zoom and pan; on a narrow screen the list is shown first.
(function () {
  var box = document.getElementById("graph");
  var data = document.getElementById("graph-data");
  if (!box || !data || typeof cytoscape === "undefined") return;
  var colours = { local: "#1f5f99", partner: "#c0392b", agreement: "#2e7d32", plan: "#8e44ad" };
  var cy = null;
  function draw() {
    if (cy) { cy.resize(); cy.fit(undefined, 30); return; }
    cy = cytoscape({
      container: box,
      elements: JSON.parse(data.textContent),
      wheelSensitivity: 0.3,
      minZoom: 0.2,
      maxZoom: 3,
      style: [
        { selector: "node", style: {
          "background-color": function (n) { return colours[n.data("kind")] || "#555"; },
          "shape": function (n) { return n.data("kind") === "plan" ? "round-rectangle" : n.data("kind") === "agreement" ? "diamond" : "ellipse"; },
          "width": 18, "height": 18,
          "label": "data(label)", "font-size": 11, "color": "#1d2733",
          "text-wrap": "wrap", "text-max-width": 130, "text-valign": "bottom", "text-margin-y": 4,
          "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 2
        } },
        { selector: "edge", style: {
          "width": 1.5, "line-color": "#9bb0c4", "curve-style": "bezier",
          "label": "data(label)", "font-size": 9, "min-zoomed-font-size": 10, "color": "#555", "text-rotation": "autorotate",
          "text-background-color": "#fff", "text-background-opacity": 0.8
        } }
      ],
      layout: { name: "cose", animate: false, nodeRepulsion: function () { return 90000; }, idealEdgeLength: function () { return 110; },
                nodeDimensionsIncludeLabels: true, padding: 30, randomize: false, componentSpacing: 80 }
    });
    cy.on("tap", "node", function (e) { var url = e.target.data("url"); if (url) window.location.href = url; });
    document.getElementById("zoom-in").onclick = function () { cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } }); };
    document.getElementById("zoom-out").onclick = function () { cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } }); };
    document.getElementById("zoom-fit").onclick = function () { cy.fit(undefined, 30); };
    window.hoptacGraph = cy;
  }
  var graphBox = document.getElementById("graph-box"), list = document.getElementById("graph-list");
  var tabGraph = document.getElementById("show-graph"), tabList = document.getElementById("show-list");
  function show(which) {
    var graph = which === "graph";
    graphBox.hidden = !graph; list.hidden = graph;
    tabGraph.setAttribute("aria-selected", graph); tabList.setAttribute("aria-selected", !graph);
    if (graph) draw();
  }
  tabGraph.onclick = function () { show("graph"); };
  tabList.onclick = function () { show("list"); };
  show(window.matchMedia("(max-width: 700px)").matches ? "list" : "graph");
})();
