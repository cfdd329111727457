"""detente's dashboard: static HTML, CSS and JavaScript in static/, served by detente.api (no build step)."""
