"""Static charts (SVG/PNG) for reports; each chart also gives its data as JSON."""
