"""The data everyone shares: findings, submissions, the item catalogue, shipped data folders."""
