"""Rule files to compiled rules: loading and validating YAML, the expression language."""
