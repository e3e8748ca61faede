# Written by vwifi-bench from the CSVs and PaperReference; read by plots/*.gp
fig5_nthroughput = 4
fig5_ntcp = 4
fig5_nlatency = 4
fig5_ncdf = 4
fig5_cdf_scenarios = "native passthrough vwifi vwifi-iommu"
fig6_ntranslations = 2
fig6_nstages = 7
fig6_stages = "trap_exit decode device_model_receipt translation handoff_to_host_driver host_driver_receipt queued_to_device"
fig7_nscenarios = 5
fig7_ncomponents = 6
fig7_components = "system app guest hypervisor device_model host_driver"
fig8_nconfigurations = 4
paper_interrupts_per_s = 1900
table1_ncategories = 8
