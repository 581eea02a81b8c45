package audit

// Check runs every Django deploy check and every ctl check on s.
// adminAtDefault, when not nil, is the position of an admin URL pattern
// still at admin/. Findings silenced by SILENCED_SYSTEM_CHECKS or in
// ignore are dropped (as Django drops silenced messages).
func Check(s *Settings, adminAtDefault *Value, ignore []string) []Finding {
	c := &checker{s: s, unknown: map[string]bool{}}
	c.djangoChecks()
	c.ctlChecks(adminAtDefault)
	drop := map[string]bool{}
	if silenced, ok := s.Get("SILENCED_SYSTEM_CHECKS").Strings(); ok {
		for _, id := range silenced {
			drop[id] = true
		}
	}
	for _, id := range ignore {
		drop[id] = true
	}
	out := c.findings[:0]
	for _, f := range c.findings {
		if !drop[f.ID] {
			out = append(out, f)
		}
	}
	sortFindings(out)
	return out
}
