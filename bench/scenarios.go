package main

// scenarios lists every scenario in the order the table shows them. A head
// adds its own in bench/<head>.go and one line here.
func scenarios() []Scenario {
	var s []Scenario
	s = append(s, baseScenarios()...)
	s = append(s, whoamiScenarios()...)
	s = append(s, proxyScenarios()...)
	s = append(s, oauth2Scenarios()...)
	return s
}
