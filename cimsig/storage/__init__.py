"""The progress file on disk: its format and lazy reader, the codec of its records, the one
writer (lock, atomic write, size limit), file I/O, YAML, the parse cache, loading, districts'
folders, sync-service copies and git's merge driver."""
