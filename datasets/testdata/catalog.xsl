<?xml version="1.0" encoding="UTF-8"?>
<!-- Xalan workload stylesheet: Muenchian grouping, multi-key sorting,
     number formatting, xsl:number, and recursion through named templates
     (string tokenising, repetition, and a factorial). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" indent="yes" encoding="UTF-8"/>

  <xsl:decimal-format name="euro" decimal-separator="," grouping-separator="."/>
  <xsl:key name="by-subject" match="book" use="subject"/>
  <xsl:key name="by-author" match="author" use="."/>

  <xsl:template match="/catalog">
    <html>
      <head><title>Catalogue of <xsl:value-of select="@owner"/></title></head>
      <body>
        <h1><xsl:value-of select="count(book)"/> books, <xsl:value-of select="sum(book/@copies)"/> copies</h1>
        <xsl:apply-templates select="." mode="subjects"/>
        <xsl:apply-templates select="." mode="authors"/>
        <xsl:apply-templates select="." mode="tags"/>
        <xsl:apply-templates select="." mode="arithmetic"/>
      </body>
    </html>
  </xsl:template>

  <!-- One section per subject, subjects by descending stock value. -->
  <xsl:template match="catalog" mode="subjects">
    <xsl:for-each select="book[generate-id() = generate-id(key('by-subject', subject)[1])]">
      <xsl:sort select="count(key('by-subject', subject))" data-type="number" order="descending"/>
      <xsl:sort select="subject"/>
      <xsl:variable name="group" select="key('by-subject', subject)"/>
      <h2><xsl:number value="position()" format="I"/>. <xsl:value-of select="subject"/> (<xsl:value-of select="count($group)"/>)</h2>
      <table>
        <xsl:for-each select="$group">
          <xsl:sort select="@year" data-type="number" order="descending"/>
          <xsl:sort select="title"/>
          <tr>
            <xsl:attribute name="class">
              <xsl:choose>
                <xsl:when test="position() mod 2 = 1">odd</xsl:when>
                <xsl:otherwise>even</xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
            <td><xsl:number value="position()" format="a)"/></td>
            <td><xsl:value-of select="title"/></td>
            <td><xsl:value-of select="@year"/></td>
            <td><xsl:apply-templates select="author"/></td>
            <td><xsl:value-of select="format-number(@price, '#,##0.00')"/></td>
            <td><xsl:value-of select="format-number(@price * @copies, '#.##0,00', 'euro')"/></td>
            <td><xsl:value-of select="format-number(@pages div sum($group/@pages), '0.0%')"/></td>
          </tr>
        </xsl:for-each>
      </table>
      <p>
        Subtotal <xsl:value-of select="format-number(sum($group/@price), '#,##0.00')"/>,
        oldest <xsl:for-each select="$group"><xsl:sort select="@year" data-type="number"/><xsl:if test="position() = 1"><xsl:value-of select="@year"/></xsl:if></xsl:for-each>,
        mean pages <xsl:value-of select="format-number(sum($group/@pages) div count($group), '0.##')"/>
      </p>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="author">
    <xsl:value-of select="."/>
    <xsl:choose>
      <xsl:when test="position() = last()"/>
      <xsl:when test="position() = last() - 1"> and </xsl:when>
      <xsl:otherwise>, </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Authors with more than one book come first. -->
  <xsl:template match="catalog" mode="authors">
    <h2>Authors</h2>
    <ol>
      <xsl:for-each select="book/author[generate-id() = generate-id(key('by-author', .)[1])]">
        <xsl:sort select="count(key('by-author', .))" data-type="number" order="descending"/>
        <xsl:sort select="."/>
        <li>
          <xsl:value-of select="."/>: <xsl:value-of select="count(key('by-author', .))"/>
          <xsl:text> (</xsl:text>
          <xsl:for-each select="key('by-author', .)/..">
            <xsl:value-of select="@id"/>
            <xsl:if test="position() != last()">, </xsl:if>
          </xsl:for-each>
          <xsl:text>)</xsl:text>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:template>

  <!-- Every tag of every book, split by a recursive template. -->
  <xsl:template match="catalog" mode="tags">
    <h2>Tags</h2>
    <ul>
      <xsl:for-each select="book">
        <xsl:sort select="@id" order="descending"/>
        <li>
          <xsl:value-of select="@id"/>:
          <xsl:call-template name="tokens">
            <xsl:with-param name="text" select="normalize-space(tags)"/>
          </xsl:call-template>
        </li>
      </xsl:for-each>
    </ul>
  </xsl:template>

  <xsl:template name="tokens">
    <xsl:param name="text"/>
    <xsl:param name="n" select="1"/>
    <xsl:choose>
      <xsl:when test="contains($text, ' ')">
        <span title="{$n}"><xsl:value-of select="translate(substring-before($text, ' '), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"/></span>
        <xsl:call-template name="tokens">
          <xsl:with-param name="text" select="substring-after($text, ' ')"/>
          <xsl:with-param name="n" select="$n + 1"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <span title="{$n}"><xsl:value-of select="translate($text, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Recursion for its own sake: factorials and a bar chart of copies. -->
  <xsl:template match="catalog" mode="arithmetic">
    <h2>Arithmetic</h2>
    <pre>
      <xsl:for-each select="book[position() &lt;= 8]">
        <xsl:variable name="k" select="position() + 4"/>
        <xsl:variable name="f"><xsl:call-template name="factorial"><xsl:with-param name="n" select="$k"/></xsl:call-template></xsl:variable>
        <xsl:value-of select="$k"/>! = <xsl:value-of select="format-number($f, '#,###')"/>
        <xsl:text>&#10;</xsl:text>
      </xsl:for-each>
      <xsl:for-each select="book">
        <xsl:sort select="@copies" data-type="number" order="descending"/>
        <xsl:value-of select="substring(concat(@id, '     '), 1, 5)"/>
        <xsl:call-template name="repeat"><xsl:with-param name="n" select="@copies"/></xsl:call-template>
        <xsl:text>&#10;</xsl:text>
      </xsl:for-each>
    </pre>
    <p>Mean price <xsl:value-of select="format-number(sum(book/@price) div count(book), '0.000')"/>;
       dearest <xsl:value-of select="format-number(book[not(@price &lt; ../book/@price)]/@price, '#,##0.00;(#,##0.00)')"/>;
       negative <xsl:value-of select="format-number(-1234.5, '#,##0.00;(#,##0.00)')"/>;
       round <xsl:value-of select="round(2.5)"/>/<xsl:value-of select="floor(-2.5)"/>/<xsl:value-of select="ceiling(2.1)"/>;
       1 div 0 = <xsl:value-of select="1 div 0"/></p>
  </xsl:template>

  <xsl:template name="factorial">
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="$n &lt;= 1">1</xsl:when>
      <xsl:otherwise>
        <xsl:variable name="rest"><xsl:call-template name="factorial"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template></xsl:variable>
        <xsl:value-of select="$n * $rest"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="repeat">
    <xsl:param name="n"/>
    <xsl:if test="$n &gt; 0">#<xsl:call-template name="repeat"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template></xsl:if>
  </xsl:template>
</xsl:stylesheet>
