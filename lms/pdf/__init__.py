"""What Rawat's PDFs share: the DejaVu fonts, the colours, a canvas that fits text and draws QR codes
(canvas.py), and which characters the fonts can draw (glyphs.py). Certificates and handouts draw with it;
accounts check names against it."""
