// Draw the dashboard's bar charts from data attributes (no inline script, so the CSP holds).
// Each chart is a single colour with every bar named on its axis, so it reads without colour;
// the table beside each chart holds the same figures for screen readers.
/* global Chart */
document.querySelectorAll('canvas[data-chart]').forEach((canvas) => {
  const spec = JSON.parse(canvas.dataset.chart)
  // eslint-disable-next-line no-new
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: [{ label: spec.label, data: spec.values, backgroundColor: '#005eb8', borderColor: '#003087', borderWidth: 1 }]
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { enabled: true } },
      scales: {
        x: { min: spec.min ?? 0, max: spec.max ?? 100, title: { display: true, text: spec.axis || 'Fidelity %' }, ticks: { color: '#212b32' } },
        y: { ticks: { color: '#212b32', autoSkip: false } }
      }
    }
  })
})
