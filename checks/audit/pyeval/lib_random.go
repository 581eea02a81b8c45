package pyeval

// Keys generated when the settings load: get_random_secret_key(),
// get_random_string(n), secrets.token_urlsafe(n), random.choice(...)
// joined. The value is a Str of the length Python would produce, with
// placeholder characters (only the length is known), and the source
// SrcGenerated: the rules tell it from a key written in the source.

import "math"

// randomCalls are the generators of random strings.
var randomCalls = map[string]callModel{
	"django.core.management.utils.get_random_secret_key": func(e *Evaluator, _ *Value, _ args, p Pos) *Value {
		return e.generated(50, "get_random_secret_key()", p)
	},
	"django.utils.crypto.get_random_string": func(e *Evaluator, _ *Value, a args, p Pos) *Value {
		n := int64(12) // Django 3.2's deprecated default
		if x, ok := a.get(0, "length"); ok {
			if x.Kind != Int || x.I < 0 || x.I > 4096 {
				return unknownFrom(p, x)
			}
			n = x.I
		}
		return e.generated(int(n), "get_random_string()", p)
	},
	"secrets.token_urlsafe": tokenModel("secrets.token_urlsafe()", func(n int) int { return int(math.Ceil(float64(n) * 4 / 3)) }),
	"secrets.token_hex":     tokenModel("secrets.token_hex()", func(n int) int { return 2 * n }),
	"random.choice":         choice("random.choice()"),
	"secrets.choice":        choice("secrets.choice()"),
	"random.SystemRandom": func(_ *Evaluator, _ *Value, _ args, p Pos) *Value {
		return libObj("random", p) // SystemRandom().choice is random.choice
	},
}

func tokenModel(what string, length func(nbytes int) int) callModel {
	return func(e *Evaluator, _ *Value, a args, p Pos) *Value {
		n := 32 // secrets.DEFAULT_ENTROPY
		if x, ok := a.get(0, "nbytes"); ok && x.Kind != None {
			if x.Kind != Int || x.I < 0 || x.I > 4096 {
				return unknownFrom(p, x)
			}
			n = int(x.I)
		}
		return e.generated(length(n), what, p)
	}
}

func choice(what string) callModel {
	return func(e *Evaluator, _ *Value, a args, p Pos) *Value {
		x, _ := a.get(0, "seq")
		switch {
		case x == nil:
			return NewUnknown(what+" without a sequence", p)
		case x.Kind == Object: // string.printable, string.ascii_letters...
		case x.Kind == Str && x.S != "", (x.Kind == List || x.Kind == Tuple) && len(x.Items) > 0:
		default:
			return unknownFrom(p, x)
		}
		return e.generated(1, "random characters", p)
	}
}

// genChars are the placeholder characters of a generated string.
const genChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// generated is a random string of n characters made at start-up.
func (e *Evaluator) generated(n int, what string, p Pos) *Value {
	b := make([]byte, n)
	for i := range b {
		b[i] = genChars[e.genSeq%len(genChars)]
		e.genSeq++
	}
	v := NewStr(string(b), p)
	v.Src = Source{Kind: SrcGenerated, Why: what}
	return v
}
