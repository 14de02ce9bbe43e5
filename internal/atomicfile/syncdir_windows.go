package atomicfile

// syncDir is a no-op: Windows cannot open a folder for fsync, and NTFS
// journals the rename (MoveFileEx) itself.
func syncDir(string) error { return nil }
