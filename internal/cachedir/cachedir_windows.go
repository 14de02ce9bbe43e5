package cachedir

func productPath() []string { return []string{"Labelbridge", "cache"} }
