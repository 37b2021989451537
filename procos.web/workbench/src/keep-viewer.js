// bpmn-navigated-viewer defined window.BpmnJS; keep it before bpmn-modeler redefines that name
window.BpmnNavigatedViewer = window.BpmnJS;
