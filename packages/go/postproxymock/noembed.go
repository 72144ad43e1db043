//go:build postproxymock_noembed

package postproxymock

func init() { embedOff = true }
