package tray

// Windows tray icons must be .ico bytes.
const iconExt = ".ico"
