"""Real-looking documents (original text) laid out as PDFs by tests/fakes/pdfs.py: the kinds of
primary source users send — a press release with quotes, a court ruling, a multi-page report and a
two-column newsletter."""

from __future__ import annotations

from tests.fakes.pdfs import Block, Built, text_pdf

HARBOUR_QUOTE = "The new terminal will cut waiting times for ships by half within two years"
HARBOUR_SPEAKER = "Elena Marsh"

PRESS_RELEASE = [
    Block("Port Authority approves expansion of the eastern harbour terminal", heading=True),
    Block(
        "NORTHBAY, 14 March — The Northbay Port Authority today approved a 240 million euro expansion of "
        "the eastern harbour terminal, the largest investment in the port since its reconstruction. "
        "Construction of two additional deep-water berths is scheduled to begin in the autumn and to be "
        "completed within thirty months."
    ),
    Block(
        f"“{HARBOUR_QUOTE},” said {HARBOUR_SPEAKER}, chair of the Port Authority board, after the vote. "
        "The board approved the plan by seven votes to two, following eighteen months of consultation "
        "with shipping companies, residents and environmental organisations."
    ),
    Block(
        "The expansion includes a shore power installation that allows docked vessels to switch off their "
        "engines, reducing harbour emissions of nitrogen oxides by an estimated forty per cent. Residents "
        "of the neighbouring districts had campaigned for the measure since the previous expansion."
    ),
    Block("Funding and employment", heading=True),
    Block(
        "Roughly half of the cost will be covered by a loan from the regional development bank, with the "
        "remainder financed from port revenues and a federal infrastructure grant. The authority expects "
        "the construction phase to create about 900 temporary jobs and the operation of the terminal "
        "another 350 permanent positions."
    ),
    Block(
        "“We listened carefully to the concerns of the people who live next to the port,” said Tomas "
        "Okafor, the authority’s director of sustainability. “Shore power was the first thing they asked "
        "for, and it is now part of the plan from the very first day.”"
    ),
    Block(
        "Two board members voted against the plan, citing the risk of cost overruns and the uncertain "
        "outlook for container traffic. Their dissenting opinion will be published together with the "
        "minutes of the meeting next week."
    ),
    Block("About the Northbay Port Authority", heading=True),
    Block(
        "The Northbay Port Authority is a public body responsible for the management, maintenance and "
        "development of the port of Northbay, which handled 31 million tonnes of cargo last year."
    ),
]

COURT_RULING = [
    Block("Judgment of the Administrative Court of Westmark in the matter of Riverside Tenants "
          "Association against the City of Westmark", heading=True),
    Block("Facts of the case", heading=True),
    Block(
        "1. The applicant, an association representing some four hundred tenants of the Riverside estate, "
        "challenges the decision of the city council of 2 June to demolish three residential blocks and "
        "to replace them with a commercial development. The applicant argues that the council failed to "
        "carry out the environmental and social impact assessment required by the municipal planning code."
    ),
    Block(
        "2. The respondent city maintains that the assessment was unnecessary because the development "
        "plan had been approved in principle before the current planning code entered into force, and "
        "that the transitional provisions of the code therefore exempt the project."
    ),
    Block("Assessment of the court", heading=True),
    Block(
        "3. The court is not persuaded by the respondent's reading of the transitional provisions. An "
        "approval in principle is not a final planning decision; it expressly reserved the demolition "
        "question for a later resolution, which was adopted only after the new code applied."
    ),
    Block(
        "4. It follows that the decision of 2 June was taken without the mandatory impact assessment. "
        "This defect is not a mere formality: the assessment exists precisely to weigh the displacement "
        "of residents against the public interest asserted by the city, and that weighing never occurred."
    ),
    Block(
        "5. The court notes, however, that nothing in this judgment prevents the council from adopting "
        "a new decision once a lawful assessment has been completed and the affected tenants have been "
        "heard in accordance with the procedure laid down in the code."
    ),
    Block("Decision", heading=True),
    Block(
        "6. For these reasons the court annuls the decision of the city council of 2 June concerning the "
        "Riverside estate and orders the respondent to bear the costs of the proceedings. An appeal lies "
        "to the Higher Administrative Court within one month of service of this judgment."
    ),
]

REPORT_SECTION = [
    Block("Regional water supply: annual review", heading=True),
    Block(
        "Water consumption across the region rose by three per cent last year, driven mainly by "
        "population growth in the southern districts and an unusually dry summer. Households accounted "
        "for sixty-two per cent of total demand, agriculture for twenty-five per cent and industry for "
        "the remaining thirteen per cent."
    ),
    Block(
        "Leakage from the distribution network remained the single largest source of losses. Utilities "
        "replaced approximately 140 kilometres of ageing pipes, mostly cast-iron mains installed before "
        "1970, and installed pressure-management equipment in eleven supply zones. Independent "
        "measurements suggest that losses fell from nineteen to seventeen per cent of treated water."
    ),
    Block("Reservoirs and groundwater", heading=True),
    Block(
        "Reservoir levels reached their lowest point in late September, when the combined storage stood "
        "at forty-four per cent of capacity. Groundwater abstraction was restricted in two catchments to "
        "protect wetlands designated under the regional conservation programme, and temporary hosepipe "
        "restrictions were introduced in nine municipalities for a period of six weeks."
    ),
    Block(
        "Monitoring wells in the northern aquifer show a gradual recovery following the abstraction limits "
        "introduced three years ago, although nitrate concentrations remain above the target value at "
        "several agricultural sites. Further measures are proposed in the investment programme."
    ),
    Block("Investment programme", heading=True),
    Block(
        "The review recommends doubling the annual rate of pipe replacement, completing the interconnection "
        "between the eastern and western supply systems, and introducing smart metering for all households "
        "by the end of the decade. The estimated cost of the programme is 1.2 billion euros over ten years, "
        "to be financed through tariffs, public grants and long-term loans."
    ),
]

NEWSLETTER = [
    Block("Community newsletter: spring edition", heading=True),
    Block(
        "The renovated public library on Chestnut Street reopened its doors on Saturday after eighteen "
        "months of construction work. Visitors can now use a larger reading room, a dedicated children's "
        "floor and a digital workshop with computers, printers and a recording studio for podcasts."
    ),
    Block(
        "The municipal swimming pool will extend its opening hours during the summer holidays and offer "
        "free beginners' courses for children between the ages of six and twelve. Registration opens on "
        "the first Monday of May at the reception desk and on the municipal website."
    ),
    Block("Roadworks and transport", heading=True),
    Block(
        "Resurfacing of the main shopping street will take place in three phases between April and July. "
        "Buses on routes four and eleven will be diverted through the industrial estate during the second "
        "phase, and temporary stops will be marked with yellow signs along the diversion."
    ),
    Block(
        "A new cycle path connecting the railway station with the university campus is expected to open "
        "in September. The route follows the old canal towpath and avoids the busy ring road entirely, "
        "which the cycling association had requested for several years."
    ),
    Block("Events", heading=True),
    Block(
        "The annual street festival returns on the last weekend of June with live music on two stages, "
        "a craft market and food stalls run by local associations. Volunteers are still needed for the "
        "setup on Friday evening and for cleaning on Sunday afternoon."
    ),
]


def press_release() -> Built:
    return text_pdf(PRESS_RELEASE, title="Port Authority approves harbour expansion",
                    header="Northbay Port Authority — Press release", lang="en-GB")


def court_ruling() -> Built:
    return text_pdf(COURT_RULING, title=None, header="Administrative Court of Westmark — Case 4 K 112/25",
                    footer="- {n} -", size=14)


def report(copies: int = 12) -> Built:
    """A multi-page report: the review's sections repeated (each copy numbered) to fill pages."""
    blocks = []
    for copy in range(1, copies + 1):
        for block in REPORT_SECTION:
            text = f"{block.text} (part {copy})" if block.heading else block.text
            blocks.append(Block(text, block.heading))
    return text_pdf(blocks, title="Regional water supply — annual review",
                    header="Regional Water Board · Annual review", footer="Page {n} of {total}")


def newsletter() -> Built:
    blocks = [*NEWSLETTER, Block("From the water board", heading=True), *REPORT_SECTION[1:]]
    return text_pdf(blocks, title="", columns=2, header="Town of Millford · Community newsletter",
                    footer="{n}", size=11)


SAMPLES = {"press release": press_release, "court ruling": court_ruling, "report": report,
           "two-column newsletter": newsletter}
