// Package textutil has small text helpers shared by commands: "did you
// mean" suggestions and quoting of lists.
package textutil

import (
	"strings"
)

// Levenshtein returns the edit distance between a and b (runes).
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Suggest returns the candidate nearest to s, or "" when none is close
// enough to be a plausible typo. Case is ignored; a candidate that has s
// as a prefix (or the reverse) counts as close.
func Suggest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := Levenshtein(ls, lc)
		if len(ls) >= 2 && (strings.HasPrefix(lc, ls) || strings.HasPrefix(ls, lc)) {
			d = min(d, 1)
		}
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := max(2, len([]rune(s))/3)
	if bestD <= limit && bestD < len([]rune(s)) {
		return best
	}
	return ""
}
