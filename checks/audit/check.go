package audit

// Check runs every Django deploy check and every ctl check on s.
// adminAtDefault, when not nil, is the position of an admin URL pattern
// still at admin/. Findings silenced by SILENCED_SYSTEM_CHECKS or in
// ignore are dropped (as Django drops silenced messages).
func Check(s *Settings, adminAtDefault *Value, ignore []string) []Finding {
	c := &checker{s: s, unknown: map[string]*Value{}}
	c.djangoChecks()
	c.ctlChecks(adminAtDefault)
	drop := map[string]bool{}
	for _, id := range ignore {
		drop[id] = true
	}
	// Django drops a message when `msg.id in settings.SILENCED_SYSTEM_CHECKS`:
	// membership for a list, tuple, set or dict, a substring test for a
	// string.
	silenced := s.Get("SILENCED_SYSTEM_CHECKS")
	out := c.findings[:0]
	for _, f := range c.findings {
		if found, _ := silenced.Contains(f.ID); !found && !drop[f.ID] {
			out = append(out, f)
		}
	}
	sortFindings(out)
	return out
}
