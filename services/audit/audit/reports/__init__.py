"""Reports to the committee on internal control, twice a year, as frozen snapshots (JSON and XLSX)."""
