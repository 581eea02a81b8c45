package live

// Score is a grade comparable to the Mozilla HTTP Observatory's: a
// baseline of 100, the penalties of every test, then (only when the result
// is 90 or more) the bonuses, never below 0. The modifiers are the
// Observatory's published ones (MDN's "HTTP Observatory: Tests & Scoring";
// see docs/audit.md). Only the tests ctl runs count: CORP, contribute.json
// and the HSTS preload list are not probed, so the score is comparable,
// not identical.
type Score struct {
	Score int    `json:"score"`
	Grade string `json:"grade"`
	// Tests lists the Observatory tests that counted.
	Tests []string `json:"tests"`
}

var grades = []struct {
	min   int
	grade string
}{{100, "A+"}, {90, "A"}, {85, "A-"}, {80, "B+"}, {70, "B"}, {65, "B-"}, {60, "C+"}, {50, "C"}, {45, "C-"}, {40, "D+"}, {30, "D"}, {25, "D-"}, {0, "F"}}

// Grade is the Observatory's letter for a score.
func Grade(score int) string {
	for _, g := range grades {
		if score >= g.min {
			return g.grade
		}
	}
	return "F"
}

// ObservatoryScore scores the HTTP layer's checks: one modifier per
// Observatory test (the worst, when several checks map to one).
func ObservatoryScore(r *HTTPResult) Score {
	per := map[string]int{}
	var tests []string
	for _, c := range r.Checks {
		if c.Test == "" || c.Observatory == "" {
			continue
		}
		if m, ok := per[c.Test]; !ok || c.Modifier < m {
			if !ok {
				tests = append(tests, c.Test)
			}
			per[c.Test] = c.Modifier
		}
	}
	score := 100
	for _, m := range per {
		if m < 0 {
			score += m
		}
	}
	if score >= 90 {
		for _, m := range per {
			if m > 0 {
				score += m
			}
		}
	}
	score = max(score, 0)
	return Score{Score: score, Grade: Grade(score), Tests: tests}
}
