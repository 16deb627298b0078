"""What people read: the status tree, exports, the HTML report, snapshots and the catalogue."""
