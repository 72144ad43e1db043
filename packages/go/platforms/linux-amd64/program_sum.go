package linuxamd64

// Size and SHA256 describe Program: postproxymock checks the unpacked copy against them.
// (In the repository: the empty placeholder's; packages/go/pack.sh writes the real ones.)
const (
	Size   = 0
	SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)
