if (window.Plotly && window.ResizeObserver) {
  const fit = new ResizeObserver((entries) => {
    for (const entry of entries) Plotly.Plots.resize(entry.target);
  });
  document.querySelectorAll(".plotly-graph-div").forEach((chart) => fit.observe(chart));
}
