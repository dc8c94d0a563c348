"""JET3xx: statistics, their parameters and pre-treatments, and what they need of the metric."""
