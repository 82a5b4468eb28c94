<?xml version="1.0"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html"/>
  <xsl:key name="by-topic" match="book" use="topic"/>
  <xsl:template match="/library">
    <html><body>
      <xsl:for-each select="book[generate-id() = generate-id(key('by-topic', topic)[1])]">
        <xsl:sort select="topic"/>
        <h2><xsl:value-of select="topic"/></h2>
        <ul>
          <xsl:for-each select="key('by-topic', topic)">
            <xsl:sort select="@year" data-type="number"/>
            <li><xsl:value-of select="title"/> (<xsl:value-of select="@year"/>):
              <xsl:value-of select="format-number(@price, '#,##0.00')"/></li>
          </xsl:for-each>
        </ul>
      </xsl:for-each>
      <p>Total: <xsl:value-of select="format-number(sum(book/@price), '0.00')"/></p>
      <p>Countdown: <xsl:call-template name="count"><xsl:with-param name="n" select="5"/></xsl:call-template></p>
    </body></html>
  </xsl:template>
  <xsl:template name="count">
    <xsl:param name="n"/>
    <xsl:if test="$n &gt; 0"><xsl:value-of select="$n"/> <xsl:call-template name="count"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template></xsl:if>
  </xsl:template>
</xsl:stylesheet>
