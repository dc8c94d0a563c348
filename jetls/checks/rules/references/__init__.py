"""JET2xx: slugs that must resolve (metrics, data sources, segments, outcomes, dimensions), and what shadows what."""
