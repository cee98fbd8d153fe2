"""What people see: words and dates, the terminal views, the JSON contract, exports (CSV,
calendar, Markdown, Excel), the HTML report and the timeline."""
