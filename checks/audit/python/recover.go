package python

// Error recovery.
//
// The parser records only the first error of a statement (parser.stmtErr)
// and then abandons the statement: the remaining tokens of the logical line
// are skipped and a *BadStmt covering them is produced. Because the lexer
// never emits NEWLINE inside brackets, "the next NEWLINE" is the end of the
// logical line at bracket depth 0. The lexer in turn closes brackets that
// were obviously left open (see lexer.looksLikeStatement), so an unclosed
// bracket cannot swallow the rest of the file.
//
// A broken compound statement header ("if x y:") is skipped the same way;
// if an indented block follows, its statements are parsed normally and kept
// in BadStmt.Body, which keeps the INDENT/DEDENT structure balanced.

// skipLine skips the rest of the logical line, including its NEWLINE, and
// returns the end of the last token skipped before the NEWLINE.
func (p *parser) skipLine() Pos {
	end := p.prevEnd()
	for p.tok.Kind != NEWLINE && p.tok.Kind != EOF {
		end = p.tok.End
		p.next()
	}
	p.got(NEWLINE)
	return end
}

// badStmt abandons the statement that started at token index start, whose
// partial parse is partial (may be nil), and resynchronises at the next
// line.
func (p *parser) badStmt(start int, partial Stmt) *BadStmt {
	from := p.toks[start].Pos
	end := p.skipLine()
	if end.Offset < from.Offset {
		end = p.toks[start].End
	}
	return &BadStmt{Span: Span{from, end}, Partial: partial}
}

// badBlockStmt abandons a compound statement whose header started at token
// index start. An indented block following the header is parsed and kept.
func (p *parser) badBlockStmt(start int) *BadStmt {
	bad := p.badStmt(start, nil)
	if p.tok.Kind == INDENT {
		bad.Body = p.parseIndentedBlock()
		if n := len(bad.Body); n > 0 && bad.Body[n-1].End().Offset > bad.EndPos.Offset {
			bad.EndPos = bad.Body[n-1].End()
		}
	}
	return bad
}

// parseIndentedBlock parses INDENT statements DEDENT. The current token
// must be INDENT.
func (p *parser) parseIndentedBlock() []Stmt {
	p.next() // INDENT
	if !p.enter() {
		p.leave()
		p.skipBlock()
		return nil
	}
	body := p.parseStmts(nil, true)
	p.leave()
	p.got(DEDENT)
	return body
}

// skipBlock skips tokens up to and including the DEDENT that closes the
// block whose INDENT has just been consumed.
func (p *parser) skipBlock() {
	level := 1
	for p.tok.Kind != EOF {
		switch p.tok.Kind {
		case INDENT:
			level++
		case DEDENT:
			level--
		}
		p.next()
		if level == 0 {
			return
		}
	}
}
