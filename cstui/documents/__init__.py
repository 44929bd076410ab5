"""Documents cstui writes for people outside the terminal: the QBR pack (HTML with inline SVG charts, and
Markdown). Above the read models: they draw what a read model holds and never read the book themselves."""
