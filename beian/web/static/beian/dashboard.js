// Review console dashboard: draws the figures of beian.web.metrics with the vendored Chart.js 4.5.1.
(function () {
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var labels = document.getElementById("stage-labels").dataset;
  new Chart(document.getElementById("chart-per-day"), {
    type: "bar",
    data: {labels: data.days.map(function (d) { return d.slice(5); }),
           datasets: [{label: labels.orders, data: data.per_day, backgroundColor: "#0e48c9"}]},
    options: {animation: false, plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
  });
  new Chart(document.getElementById("chart-stages"), {
    type: "bar",
    data: {labels: data.stages.map(function (s) { return labels[s] || s; }),
           datasets: [{label: labels.hours, data: data.stage_hours, backgroundColor: "#2e7d32"}]},
    options: {animation: false, indexAxis: "y", plugins: {legend: {display: false}}}
  });
})();
