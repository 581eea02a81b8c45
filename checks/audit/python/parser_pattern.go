package python

// Match statement patterns. Patterns are represented with expression nodes
// (see MatchCase); the parser accepts a superset of the pattern grammar,
// which is enough to delimit case blocks correctly.

// parsePatterns parses the pattern of a case clause, which may be an
// unparenthesized sequence "a, *rest".
func (p *parser) parsePatterns() Expr {
	first := p.parseMaybeStarPattern()
	if p.tok.Kind != COMMA {
		return first
	}
	elts := []Expr{first}
	for p.got(COMMA) && p.tok.Kind != COLON && p.tok.Kind != IF && !p.stmtErr {
		elts = append(elts, p.parseMaybeStarPattern())
	}
	return &Tuple{Span: Span{first.Pos(), p.prevEnd()}, Elts: elts}
}

func (p *parser) parseMaybeStarPattern() Expr {
	if p.tok.Kind == STAR {
		pos := p.tok.Pos
		p.next()
		n := p.parseName()
		return &Starred{Span{pos, n.End()}, n}
	}
	return p.parseAsPattern()
}

// parseAsPattern parses "or_pattern ['as' NAME]".
func (p *parser) parseAsPattern() Expr {
	x := p.parseClosedPattern()
	for p.tok.Kind == VBAR && !p.stmtErr {
		p.next()
		y := p.parseClosedPattern()
		x = &BinOp{Span{x.Pos(), y.End()}, x, BitOr, y}
	}
	if p.got(AS) {
		n := p.parseName()
		x = &MatchAs{Span{x.Pos(), n.End()}, x, n}
	}
	return x
}

func (p *parser) parseClosedPattern() Expr {
	pos := p.tok.Pos
	if !p.enter() {
		p.leave()
		return p.bad(pos)
	}
	defer p.leave()
	switch p.tok.Kind {
	case LPAR:
		p.next()
		if p.got(RPAR) {
			return &Tuple{Span: Span{pos, p.prevEnd()}, Parenthesized: true}
		}
		first := p.parseMaybeStarPattern()
		if p.tok.Kind != COMMA {
			p.expect(RPAR)
			return first
		}
		elts := []Expr{first}
		for p.got(COMMA) && p.tok.Kind != RPAR && !p.stmtErr {
			elts = append(elts, p.parseMaybeStarPattern())
		}
		p.expect(RPAR)
		return &Tuple{Span{pos, p.prevEnd()}, elts, true}
	case LSQB:
		p.next()
		var elts []Expr
		for p.tok.Kind != RSQB && !p.stmtErr {
			elts = append(elts, p.parseMaybeStarPattern())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RSQB)
		return &List{Span{pos, p.prevEnd()}, elts}
	case LBRACE:
		p.next()
		d := &Dict{}
		for p.tok.Kind != RBRACE && !p.stmtErr {
			if p.got(DOUBLESTAR) {
				d.Keys = append(d.Keys, nil)
				d.Values = append(d.Values, p.parseName())
			} else {
				d.Keys = append(d.Keys, p.parseBinary(5))
				p.expect(COLON)
				d.Values = append(d.Values, p.parseAsPattern())
			}
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RBRACE)
		d.Span = Span{pos, p.prevEnd()}
		return d
	case NAME:
		var x Expr = p.parseName()
		for p.tok.Kind == DOT && !p.stmtErr {
			p.next()
			n := p.parseName()
			x = &Attribute{Span{x.Pos(), n.End()}, x, n}
		}
		if p.got(LPAR) {
			c := &Call{Func: x}
			for p.tok.Kind != RPAR && !p.stmtErr {
				kpos := p.tok.Pos
				if p.tok.Kind == NAME && p.peek(1) == EQUAL {
					n := p.parseName()
					p.next()
					v := p.parseAsPattern()
					c.Keywords = append(c.Keywords, &Keyword{Span{kpos, v.End()}, n, v})
				} else {
					c.Args = append(c.Args, p.parseAsPattern())
				}
				if !p.got(COMMA) {
					break
				}
			}
			p.expect(RPAR)
			c.Span = Span{pos, p.prevEnd()}
			return c
		}
		return x
	}
	// Literal patterns: numbers (also negative and complex), strings,
	// None, True, False.
	return p.parseBinary(5)
}
